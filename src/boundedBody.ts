/**
 * Reading a body whose size someone else decides (a client's request, an HR endpoint's answer,
 * a DID document): the declared length is checked first, then the bytes as they stream, so an
 * oversized or lying sender costs at most `limit` bytes of memory.
 */

/** What is read of a web stream: the request's (`@azure/functions`) and fetch's answer's alike. */
interface ByteStream {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    cancel(): Promise<void>;
  };
  cancel(): Promise<void>;
}

/** The body as UTF-8 text, or undefined when it declares or streams more than `limit` bytes. */
export async function readBoundedText(
  body: ByteStream | null | undefined,
  declaredLength: string | null,
  limit: number,
): Promise<string | undefined> {
  if (Number(declaredLength ?? "0") > limit) {
    await body?.cancel();
    return undefined;
  }
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done || value === undefined) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

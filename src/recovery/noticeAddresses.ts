/**
 * Where a notice to the account's owner may go: the account's other mail addresses
 * (`otherMails`, the personal addresses the user registered) — never the account's own mailbox,
 * which whoever holds or claims the account can read (and delete). One rule for the recovery
 * notices and the helpdesk verification link.
 */

/** The usable `otherMails`: trimmed, only addresses (an `@`), each once, in the directory's order. */
export function otherMailRecipients(otherMails: readonly string[]): string[] {
  return [...new Set(otherMails.map((m) => m.trim()).filter((m) => m.includes("@")))];
}

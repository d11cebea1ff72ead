/**
 * The linked domain each accepted issuer must present (`domainValidation.url`, verified by the
 * Request Service when we ask for `validateLinkedDomain`). A did:web issuer's linked domain is
 * its own host and port, over https; other DID methods carry no domain, so an admin configures
 * one per issuer (provider setting `linkedDomains`) and an issuer without one is refused at
 * startup and, should one slip through, at the credential check.
 */
import { linkedDomainOrigin } from "../recovery/credential";
import { didWebOrigin } from "./didWeb";

export function expectedLinkedDomains(
  acceptedIssuers: readonly string[],
  configured: Readonly<Record<string, string>> = {},
): Map<string, string> {
  const domains = new Map<string, string>();
  for (const issuer of acceptedIssuers) {
    const origin = issuer.startsWith("did:web:")
      ? didWebOrigin(issuer)
      : Object.hasOwn(configured, issuer)
        ? linkedDomainOrigin(configured[issuer])
        : undefined;
    if (origin !== undefined) domains.set(issuer, origin);
  }
  return domains;
}

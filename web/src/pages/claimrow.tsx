// Shared pieces of claim tables: the names the server sends beside the ids.
import type { S } from "../api/client";
import { href, onLink } from "../router";

export const claimListing = (c: S["Claim"]) => c.listing_title || "—";
export const claimant = (c: S["Claim"]) => c.claimant_person_name || c.claimant_org_name || "—";
export const owner = (c: S["Claim"]) => c.owner_org_name || "—";

export function ListingLink({ c }: { c: S["Claim"] }) {
  const to = (c.listing_side === "need" ? "needs/" : "offers/") + c.listing_id;
  return (
    <a href={href(to)} onClick={onLink}>
      {claimListing(c)}
    </a>
  );
}

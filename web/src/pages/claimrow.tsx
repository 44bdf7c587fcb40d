// Shared pieces of claim tables.
import type { S } from "../api/client";
import { field, listingTitle, orgName } from "../names";
import { href, onLink } from "../router";

export const claimListing = (c: S["Claim"]) => listingTitle(c.listing_id, field(c, "listing_title"));
export const claimant = (c: S["Claim"]) => field(c, "claimant_person_name") ?? orgName(c.claimant_org_id, field(c, "claimant_org_name"));
export const owner = (c: S["Claim"]) => orgName(c.owner_org_id, field(c, "owner_org_name"));

export function ListingLink({ c }: { c: S["Claim"] }) {
  const to = (c.listing_side === "need" ? "needs/" : "offers/") + c.listing_id;
  return (
    <a href={href(to)} onClick={onLink}>
      {claimListing(c)}
    </a>
  );
}

/** refs are the listings of claims whose titles the server did not send. */
export const refs = (cs: S["Claim"][]) =>
  cs.filter((c) => !field(c, "listing_title")).map((c) => ({ id: c.listing_id, side: c.listing_side }));

import { createContext, useContext } from 'react';
import type { ExplainContext } from '../api/errors.ts';
import type { Me, OrgMembership } from '../api/types.ts';

/**
 * Who is signed in and which organization they act in. The organization is the `org` query
 * parameter, so it survives reloads, links and the OAuth round trip.
 */
export interface OrgContextValue {
  me: Me;
  /** The organization named in the URL, when the caller is a member of it. */
  org: OrgMembership | null;
  /** The `org` parameter as given, even when the caller is not a member (the API says so). */
  orgId: string | null;
  orgName(orgId: string): string | undefined;
  selectOrg(orgId: string | null): void;
}

export const OrgContext = createContext<OrgContextValue | null>(null);

export function useOrg(): OrgContextValue {
  const value = useContext(OrgContext);
  if (!value) throw new Error('useOrg must be used inside <OrgContext.Provider>');
  return value;
}

/**
 * What error messages need to know about where the caller stands (org names, the acting
 * organization and role); works outside the signed-in shell too.
 */
export function useExplainContext(): Pick<ExplainContext, 'orgName' | 'actingOrg'> {
  const value = useContext(OrgContext);
  if (!value) return {};
  return { orgName: value.orgName, actingOrg: value.org };
}

import type { AssetSummary, ReportRow } from './report.js';

/**
 * What a report's out-of-scope flag says about its asset, or null when the asset is in scope (or
 * none was named): the asset it is filed against when there is one, else the reporter's "other".
 * It is always the flag's first sentence, so a change of asset can replace it (`withAssetNote`).
 */
export function assetScopeNote(asset: Pick<AssetSummary, 'identifier' | 'in_scope'> | undefined, other: string | null): string | null {
  if (asset) return asset.in_scope === 0 ? `The asset ${asset.identifier} is out of scope.` : null;
  return other ? `The asset "${other}" is not listed in scope.` : null;
}

/** The out-of-scope flag with the asset's note `before` replaced by `after`; other reasons (a category) stay. */
export function withAssetNote(flag: ReportRow['out_of_scope'], before: string | null, after: string | null): string | null {
  let rest = flag ?? '';
  if (before !== null && rest.startsWith(before)) rest = rest.slice(before.length).trim();
  const text = [after, rest].filter(Boolean).join(' ');
  return text || null;
}

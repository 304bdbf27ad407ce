import type { ReactNode } from 'react';

/**
 * The first cell of an expandable table row: a button that shows or hides the row's details.
 * In tables driven by j/k and Enter the row itself takes focus, so the button stays out of the
 * tab order (`inTabOrder={false}`).
 */
export function DisclosureCell({
  expanded,
  detailsId,
  onToggle,
  inTabOrder = true,
  children,
}: {
  expanded: boolean;
  detailsId: string;
  onToggle: () => void;
  inTabOrder?: boolean;
  /** What the button is for, read by screen readers. */
  children: ReactNode;
}) {
  return (
    <td className="disclosure-cell">
      <button
        type="button"
        className="disclosure"
        aria-expanded={expanded}
        aria-controls={expanded ? detailsId : undefined}
        {...(inTabOrder ? {} : { tabIndex: -1 })}
        onClick={onToggle}
      >
        <span className="visually-hidden">{children}</span>
      </button>
    </td>
  );
}

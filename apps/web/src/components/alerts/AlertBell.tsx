import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useState } from 'react';
import { Link } from 'react-router';
import { messageOf } from '../../lib/errors';
import { RelativeTime } from '../RelativeTime';
import { SeverityBadge } from './AlertBadges';
import { useAlertInbox } from './useAlertInbox';
import './AlertBell.css';

/**
 * The header's bell: how many alerts the signed-in person has not read (of rules with a dashboard
 * channel), live; opened, the latest of them, each a link to its firing, and "Mark all read".
 */
export function AlertBell() {
  const [open, setOpen] = useState(false);
  const { live, unread, list, markRead } = useAlertInbox({ listOpen: open });
  const count = unread.data?.unread ?? 0;
  const label = count ? `Alerts: ${count} unread` : 'Alerts: none unread';

  return (
    <DropdownMenu.Root open={open} onOpenChange={setOpen}>
      <DropdownMenu.Trigger
        className="bell-button"
        aria-label={label}
        title={live ? label : `${label} (checked every 30 s)`}
        data-testid="alert-bell"
        data-unread={count}
        data-live={live}
      >
        <BellIcon />
        {count > 0 && (
          <span className="bell-count" data-testid="alert-bell-count" aria-hidden="true">
            {count > 99 ? '99+' : count}
          </span>
        )}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className="bell-menu"
          side="bottom"
          align="end"
          sideOffset={6}
          collisionPadding={8}
          aria-label="Alerts"
          data-testid="alert-bell-menu"
        >
          <div className="bell-menu-header">
            <strong>Alerts</strong>
            <DropdownMenu.Item
              className="bell-menu-action"
              disabled={!count || markRead.isPending}
              onSelect={(event) => {
                event.preventDefault(); // stays open: the list shows them read
                markRead.mutate({ all: true });
              }}
              data-testid="alert-bell-mark-all"
            >
              Mark all read
            </DropdownMenu.Item>
          </div>
          {list.error && !list.data ? (
            <p className="bell-menu-note form-error">{messageOf(list.error)}</p>
          ) : !list.data ? (
            <p className="bell-menu-note muted">Loading…</p>
          ) : list.data.length === 0 ? (
            <p className="bell-menu-note muted" data-testid="alert-bell-empty">
              No alerts. Rules with a dashboard channel show theirs here.
            </p>
          ) : (
            list.data.map((firing) => (
              <DropdownMenu.Item key={firing.id} asChild>
                <Link
                  to={`/alerts/firings/${firing.id}`}
                  className={`bell-item${firing.read ? '' : ' bell-item-unread'}`}
                  data-testid="alert-bell-item"
                  data-firing-id={firing.id}
                  data-read={firing.read}
                >
                  <span className="bell-item-line">
                    {!firing.read && <span className="bell-dot" aria-label="unread" />}
                    <span className="bell-item-title">{firing.ruleName}</span>
                    <SeverityBadge severity={firing.severity} />
                  </span>
                  <span className="bell-item-message">{firing.message}</span>
                  <span className="muted small">
                    {firing.resolvedAt ? 'resolved ' : 'since '}
                    <RelativeTime iso={firing.resolvedAt ?? firing.startedAt} past />
                  </span>
                </Link>
              </DropdownMenu.Item>
            ))
          )}
          <DropdownMenu.Item asChild>
            <Link to="/alerts?tab=history" className="bell-menu-footer" data-testid="alert-bell-all">
              All alerts
            </Link>
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

function BellIcon() {
  return (
    <svg
      width="18"
      height="18"
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
    >
      <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.7 21a2 2 0 0 1-3.4 0" />
    </svg>
  );
}

import type { ThrottleKey } from './login-throttle';

/** A shared office or NAT sends many users' logins from one address: it gets four accounts' worth. */
const ADDRESS_FACTOR = 4;

/** Who a login attempt is counted against: the client address and the account it names. */
export function loginThrottleKeys(ip: string, email: string, freeAttempts: number): ThrottleKey[] {
  return [
    { key: `ip:${ip}`, freeAttempts: freeAttempts * ADDRESS_FACTOR, onSuccess: 'refund' },
    { key: `account:${email}`, freeAttempts, onSuccess: 'reset' },
  ];
}

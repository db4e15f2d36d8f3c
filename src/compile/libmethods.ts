// The methods go1.19 declares on the library types of the subset (from `go
// doc` of go1.19), so that a method the subset lacks is reported as outside
// the subset ("unsupported: method time.Time.Format") rather than with Go's
// "undefined" error, which is reserved for methods Go does not have either.
import { type Type, typeString } from './types.ts';

const GO119_METHODS: Readonly<Record<string, readonly string[]>> = {
  'time.Time': 'Add AddDate After AppendFormat Before Clock Date Day Equal Format GoString GobDecode GobEncode Hour ISOWeek In IsDST IsZero Local Location MarshalBinary MarshalJSON MarshalText Minute Month Nanosecond Round Second String Sub Truncate UTC Unix UnixMicro UnixMilli UnixNano UnmarshalBinary UnmarshalJSON UnmarshalText Weekday Year YearDay Zone ZoneBounds'.split(' '),
  'time.Duration': 'Abs Hours Microseconds Milliseconds Minutes Nanoseconds Round Seconds String Truncate'.split(' '),
  'time.Timer': ['Reset', 'Stop'],
  'time.Ticker': ['Reset', 'Stop'],
  'time.Location': ['String'],
  'strings.Builder': 'Cap Grow Len Reset String Write WriteByte WriteRune WriteString'.split(' '),
  'sync.Mutex': ['Lock', 'TryLock', 'Unlock'],
  'sync.RWMutex': 'Lock RLock RLocker RUnlock TryLock TryRLock Unlock'.split(' '),
  'sync.WaitGroup': ['Add', 'Done', 'Wait'],
  'sync.Once': ['Do'],
  'os.File': 'Chdir Chmod Chown Close Fd Name Read ReadAt ReadDir ReadFrom Readdir Readdirnames Seek SetDeadline SetReadDeadline SetWriteDeadline Stat Sync SyscallConn Truncate Write WriteAt WriteString'.split(' '),
};

/** "time.Time.Format" when go1.19's type t (or *t) has method m, else null. */
export function unsupportedLibMethod(t: Type, m: string): string | null {
  const base = t.k === 'ptr' ? t.elem : t;
  if (base.k !== 'named' && base.k !== 'sync') return null;
  const name = typeString(base);
  return GO119_METHODS[name]?.includes(m) ? `${name}.${m}` : null;
}

// Formatting float64 values as Go does: the runtime's printfloat (print.go,
// println's +1.000000e+000 form) and strconv.FormatFloat's 'e', 'E', 'f',
// 'g', 'G' formats (ftoa.go) that fmt uses.
//
// Differences from ftoa.go: the digits come from an exact decimal expansion
// of the double (BigInt) rounded half to even, which is what Go's fixed
// precision paths produce; the shortest digits that read back as the same
// double come from JavaScript's own shortest formatting (Number.prototype
// .toExponential without a precision), where Go runs Ryu. Both give the
// shortest decimal that rounds to the double, choosing the closest one.

/** Ports printfloat (print.go): seven significant digits, a three-digit exponent, computed in float64 as Go does. */
export function printfloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v + v === v && v > 0) return '+Inf';
  if (v + v === v && v < 0) return '-Inf';
  const n = 7;
  let sign = '+';
  let e = 0;
  if (v === 0) {
    if (1 / v < 0) sign = '-';
  } else {
    if (v < 0) {
      v = -v;
      sign = '-';
    }
    while (v >= 10) {
      e++;
      v /= 10;
    }
    while (v < 1) {
      e--;
      v *= 10;
    }
    let h = 5.0;
    for (let i = 0; i < n; i++) h /= 10;
    v += h;
    if (v >= 10) {
      e++;
      v /= 10;
    }
  }
  let digits = '';
  for (let i = 0; i < n; i++) {
    const s = Math.trunc(v);
    digits += String(s);
    v -= s;
    v *= 10;
  }
  const es = e < 0 ? '-' : '+';
  const ea = Math.abs(e);
  return `${sign}${digits[0]}.${digits.slice(1)}e${es}${String(Math.floor(ea / 100))}${String(Math.floor(ea / 10) % 10)}${String(ea % 10)}`;
}

/** A decimal: digits d (no leading zeros; '' for zero) and the decimal point position dp (value = 0.d × 10^dp). */
interface Decimal {
  d: string;
  dp: number;
}

/** The exact decimal value of |v| (finite). */
function exactDecimal(v: number): Decimal {
  if (v === 0) return { d: '', dp: 0 };
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, Math.abs(v));
  const bits = b.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (exp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = exp - 1075;
  }
  let digits: string;
  let dp: number;
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    dp = digits.length;
  } else {
    // mant / 2^k = mant * 5^k / 10^k
    digits = (mant * 5n ** BigInt(-e2)).toString();
    dp = digits.length + e2;
  }
  const trimmed = digits.replace(/0+$/, '');
  return { d: trimmed, dp };
}

/** Round d to nd digits, half to even (the expansion is exact, so a tie is a 5 followed by nothing). */
function roundTo(x: Decimal, nd: number): Decimal {
  if (nd < 0) return { d: '', dp: x.dp };
  if (x.d.length <= nd) return x;
  const next = x.d.charCodeAt(nd) - 48;
  let up = next > 5 || (next === 5 && (x.d.length > nd + 1 || (nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1)));
  if (next === 5 && x.d.length === nd + 1 && nd === 0) up = false; // 0.5 to zero digits: even (0)
  let d = x.d.slice(0, nd);
  let dp = x.dp;
  if (up) {
    let i = d.length - 1;
    while (i >= 0 && d[i] === '9') i--;
    if (i < 0) {
      d = '1';
      dp++;
    } else d = d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1);
  }
  return { d: d.replace(/0+$/, ''), dp };
}

/** The shortest digits that read back as v. */
function shortestDecimal(v: number): Decimal {
  if (v === 0) return { d: '', dp: 0 };
  const [m, e] = Math.abs(v).toExponential().split('e') as [string, string];
  const d = m.replace('.', '').replace(/0+$/, '');
  return { d, dp: Number(e) + 1 };
}

/** Ports strconv.FormatFloat(v, fmt, prec, 64) for fmt in e, E, f, g, G (prec -1: shortest). */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || (v === 0 && 1 / v < 0);
  const shortest = prec < 0;
  let digs: Decimal;
  if (shortest) {
    digs = shortestDecimal(v);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(digs.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(digs.d.length - digs.dp, 0);
    else prec = digs.d.length;
  } else {
    const x = exactDecimal(v);
    if (fmt === 'e' || fmt === 'E') digs = roundTo(x, prec + 1);
    else if (fmt === 'f') digs = roundTo(x, x.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = roundTo(x, prec);
    }
  }
  return formatDigits(neg, digs, prec, fmt, shortest);
}

function formatDigits(neg: boolean, digs: Decimal, prec: number, fmt: string, shortest: boolean): string {
  const nd = digs.d.length;
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, digs, prec, fmt);
    case 'f':
      return fmtF(neg, digs, prec);
    default: {
      let eprec = prec;
      if (eprec > nd && nd >= digs.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = digs.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > nd) prec = nd;
        return fmtE(neg, digs, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > digs.dp) prec = nd;
      return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
    }
  }
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
  let s = neg ? '-' : '';
  s += d.d.length ? d.d[0] : '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += i < d.d.length ? d.d[i] : '0';
  }
  let exp = d.d.length === 0 ? 0 : d.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${s}${fmt}${sign}${exp < 10 ? `0${exp}` : String(exp)}`;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) s += i < d.d.length ? d.d[i] : '0';
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      s += j >= 0 && j < d.d.length ? d.d[j] : '0';
    }
  }
  return s;
}

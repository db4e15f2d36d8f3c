package main

const (
	KB = 1 << (10 * (iota + 1))
	MB
	GB
)

const (
	zero = iota
	one
	_
	three
	big   = 1 << 100
	small = big >> 98
)

const typed int = 7

func div(a, b int) (int, int) { return a / b, a % b }

func shl(x, s int) int { return x << s }

func shr(x, s int) int { return x >> s }

func main() {
	println(KB, MB, GB/KB, zero, one, three, small, typed*2, -typed/2, -typed%2)
	for a := -7; a <= 7; a += 7 {
		for b := -3; b <= 3; b++ {
			if b == 0 {
				continue
			}
			q, r := div(a, b)
			print(a, "/", b, "=", q, " ", a, "%", b, "=", r, "; ")
		}
		println()
	}
	m1 := -1
	println("x/-1:", 12345/m1, -12345/m1, 12345%m1, -12345%m1)
	for s := 0; s < 26; s += 5 {
		println("shifts", s, shl(1, s), shr(-1024, s), shr(1024, s), shl(-3, s))
	}
	println("shift 64+:", shl(1, 64), shr(-5, 64), shr(5, 64), shl(7, 100), shr(-1, 1000))
	x := 0x5a5a
	y := 0x0ff0
	println(x&y, x|y, x^y, x&^y, ^x, -x, ^-1, +x)
	b := x > y
	nb := !b
	println(b, nb, b == nb, b != nb, !(x < y) && true, false || x == 0x5a5a)
	z := 3
	z <<= 4
	z >>= 1
	z &^= 8
	z |= 0x100
	z ^= 1
	println("z =", z, 2+3*4-10/3%2, (2+3)*4, 1<<3+1, 7&3<<1)
	n := 100
	n++
	n--
	n -= 200
	n *= -3
	n /= 7
	n %= 6
	println("n =", n)
}

package main

type P struct{ X int }

func main() {
	println(z1, z2)
	t = s
	a := P{X: q1} + q2
	f := func() int { inner := 1; return inner + q3 }
	println(a, f, q4 == q4)
	x, y := q5, q6
	println(x, y)
}

package main

func f() (int, int) { return 1, 2 }

func main() {
	var s string
	var t string
	s, t = f()
	s, u := 1.5, 2
	var a, b string = f()
	println(s, t, u, a, b)
}

func g() {
	var k int
	k := "x"
	k, k := 1, 2
}

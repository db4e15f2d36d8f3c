package main

func main() {
	n := 0o78
	var s string = 1
	m := 0b
	println(n, s, m, q)
	var r rune = 'ab'
	println(r)
}

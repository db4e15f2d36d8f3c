package main

func main() {
	var big int = 1 << 40
	var u uint = 1 << 33
	var s string = 7
	println(big, u, s, nope)
}

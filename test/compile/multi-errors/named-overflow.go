package main

import "time"

type T int8

func main() {
	const k T = 100
	println(k * 2)
	println(-9223372036854775807 * time.Millisecond)
}

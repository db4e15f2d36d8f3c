package main

func main() {
	c := make(chan int)
	m := map[string]int{}
	var i interface{} = 1
	var s string
	s = <-c
	s = m["a"]
	s = i.(int)
	println(s)
}

func g() {
	var a [4]int
	println(a[1_000_000])
	println(1 << 2000)
	println(1 << 611)
	x := 1 << 9223372036854775807
	_ += 1
	println(_, x)
	println(a[0x10])
}

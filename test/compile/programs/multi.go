package main

func three() (int, bool, int) { return 7, true, 9 }

func sum3(a int, ok bool, c int) int {
	if ok {
		return a + c
	}
	return a - c
}

func pass() (int, bool, int) { return three() }

func swap(a, b int) (int, int) { return b, a }


func main() {
	println(sum3(three()), sum3(pass()))
	a, b := swap(1, 2)
	a, b = swap(a, b)
	println(a, b)
	_, ok, _ := three()
	var p, q = swap(3, 4)
	println(ok, p, q)
}

package main

import "fmt"

x := 1

func f(a int b int) {
	fmt.Println(a)
}

func g() {
	if x := 1; x > {
	}
	for i := 0; i < 3; i++ {
		y := [3]int{1, 2, 3
	}
	switch z {
	case 1: 2
	}
}

func main() {
	g() h()
}

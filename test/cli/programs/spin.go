package main

func spin(c chan int) {
	x := 0
	for {
		x++
	}
	c <- x
}

func main() {
	c := make(chan int)
	go func() { <-c }()
	println("spinning")
	spin(c)
}

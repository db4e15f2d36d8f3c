package main

func fill(c chan<- int, n int) {
	for i := 1; i <= n; i++ {
		c <- i * i
	}
	close(c)
}

func drain(c <-chan int) int {
	s := 0
	for v := range c {
		s += v
	}
	return s
}

func main() {
	c := make(chan int, 5)
	println(len(c), cap(c))
	fill(c, 5)
	println(len(c), cap(c), drain(c))
	v, ok := <-c
	println("closed:", v, ok)

	b := make(chan bool, 3)
	b <- true
	b <- false
	b <- true
	x := <-b
	y, ok2 := <-b
	var z bool
	z, ok2 = <-b
	println(x, y, z, ok2, len(b))
	close(b)
	w, ok3 := <-b
	println(w, ok3)

	s := make(chan struct{}, 2)
	s <- struct{}{}
	<-s
	println("struct{} len", len(s))

	var nc chan int
	println("nil:", len(nc), cap(nc), nc == nil, c != nil)

	cc := make(chan chan int, 1)
	inner := make(chan int, 1)
	cc <- inner
	(<-cc) <- 42
	println("chan of chan:", <-inner)

	n := 0
	r := make(chan int, 10)
	for i := 0; i < 10; i++ {
		r <- i
	}
	close(r)
	for range r {
		n++
	}
	println("counted", n)
}

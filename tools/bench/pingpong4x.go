// Benchmark program: four independent ping-pong pairs (25,000 round trips
// each over their own two unbuffered channels), run at GOMAXPROCS=4 (the
// benchmark sets it through the environment, for real Go too): the pairs
// can run on four Ps at once. Valid Go: real Go runs it for the comparison.
package main

func pair(n int, done chan int) {
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	sum := 0
	for i := 0; i < n; i++ {
		ping <- i
		sum += <-pong
	}
	close(ping)
	done <- sum
}

func main() {
	done := make(chan int)
	for p := 0; p < 4; p++ {
		go pair(25000, done)
	}
	total := 0
	for p := 0; p < 4; p++ {
		total += <-done
	}
	println("sum", total)
}

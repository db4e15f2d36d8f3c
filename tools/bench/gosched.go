// Benchmark program: a Gosched storm. Three goroutines (main and two others)
// each yield 50,000 times, so nearly every yield switches to another
// goroutine through the global run queue. Valid Go: real Go runs it for the
// native comparison.
package main

import "runtime"

func main() {
	runtime.GOMAXPROCS(1)
	done := make(chan bool)
	for w := 0; w < 2; w++ {
		go func() {
			for i := 0; i < 50000; i++ {
				runtime.Gosched()
			}
			done <- true
		}()
	}
	for i := 0; i < 50000; i++ {
		runtime.Gosched()
	}
	<-done
	<-done
	println("gosched done")
}

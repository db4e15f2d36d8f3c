package main

// Stack growth through the compiled morestack paths: a recursive closure
// (runtime.morestack must keep the closure context), a deferring function
// whose stack is copied between deferproc and deferreturn, and goroutines
// started through gowrap closures doing both.

import (
	"runtime"
	"sync"
)

func deep(n int) int {
	if n == 0 {
		return 0
	}
	return deep(n-1) + 1
}

func withDefer(n int) (r int) {
	defer func() { r += 1000 }()
	defer println("withDefer deferred, depth", n)
	r = deep(n)
	return
}

func main() {
	runtime.GOMAXPROCS(1)
	var rec func(int) int
	rec = func(n int) int {
		if n == 0 {
			return 0
		}
		return rec(n-1) + 2
	}
	println("closure recursion:", rec(5000))
	println("defer across growth:", withDefer(10000))
	var wg sync.WaitGroup
	results := make(chan int, 10)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			results <- rec(1000*k+500) + withDefer(2000*k)
		}(i)
	}
	wg.Wait()
	close(results)
	sum := 0
	for v := range results {
		sum += v
	}
	println("goroutines:", sum)
}

package main

// go and defer with every kind of callee: a function with arguments, a
// closure value, a function literal with arguments, builtins, WaitGroup
// methods, runtime functions; arguments are evaluated at the statement.

import (
	"runtime"
	"sync"
)

var wg sync.WaitGroup

func report(tag, v int) {
	println("report", tag, v)
	wg.Done()
}

func producer(ch chan int, n int) {
	defer close(ch)
	for i := 0; i < n; i++ {
		ch <- i * i
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	x := 1
	wg.Add(4)
	go report(1, x*10)
	f := func(k int) {
		println("value", k, x)
		wg.Done()
	}
	go f(x + 1)
	go func(a, b int) {
		defer wg.Done()
		println("literal", a, b, x)
	}(x, x*2)
	go println("builtin", x)
	go func() {
		println("capture", x)
		wg.Done()
	}()
	x = 100
	wg.Wait()
	println("after wait", runtime.NumGoroutine())

	ch := make(chan int)
	go producer(ch, 5)
	sum := 0
	for v := range ch {
		sum += v
	}
	println("sum", sum)

	done := make(chan bool)
	var inner sync.WaitGroup
	inner.Add(2)
	go inner.Wait()
	go func() {
		defer func() { done <- true }()
		defer inner.Done()
		inner.Done()
		runtime.Gosched()
	}()
	<-done
	println("inner done")
	go runtime.Gosched()
	runtime.Gosched()
	println("end")
}

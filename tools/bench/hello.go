// Benchmark program for cold start (tools/bench-startup.ts): the smallest run.
package main

func main() {
	println("hello, world")
}

package main

func main() {
	done := make(chan bool)
	go func() {
		done <- true +
	}
	defer func() {
		println("x" "y")
	}()
	<-done
}

package main

func main() {
	a := 1 +
	b := )
	c := ]
	d := }
	e := 1 2
	f := 3 4 5
	g := (
	h := 6
}

func two() {
	x := * ;
	y := / ;
	z := % ;
	w := & ;
	v := | ;
	u := ^ ;
}

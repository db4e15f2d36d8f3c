package main

type Shape interface{ Area() int }

type Sq struct{ s int }

func (q Sq) Area() nosuchtype { return q.s * q.s }

const K = undefinedConst + 1

func use(s Shape) int { return s.Area() }

func main() {
	a := missing
	b := a + 1
	c, d := b*2, a.field
	var sq Sq
	println(use(sq), K, c, d)
	type Local struct{ x notatype }
	var l Local
	println(l.x + "s")
	println(other)
}

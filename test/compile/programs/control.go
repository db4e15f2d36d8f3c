package main

func grade(n int) int {
	switch {
	case n >= 90:
		return 4
	case n >= 80:
		return 3
	case n >= 70:
		fallthrough
	case n >= 60:
		return 2
	}
	return 0
}

func kind(n int) int {
	r := 0
	switch n % 4 {
	case 0:
		r += 1
		fallthrough
	case 1:
		r += 10
		fallthrough
	default:
		r += 100
	case 3:
		r += 1000
	}
	return r
}

func main() {
	println(grade(95), grade(85), grade(75), grade(65), grade(5))
	println(kind(0), kind(1), kind(2), kind(3), kind(4))

	// labeled continue and break across three levels
	count := 0
outer:
	for i := 0; i < 5; i++ {
	middle:
		for j := 0; j < 5; j++ {
			for k := 0; k < 5; k++ {
				if k == 3 {
					continue middle
				}
				if j == 3 {
					continue outer
				}
				if i == 4 {
					break outer
				}
				if i+j+k == 9 {
					break middle
				}
				count++
			}
		}
	}
	println("count", count)

	// if/else chains with init statements
	for v := 0; v < 4; v++ {
		if w := v * v; w > 4 {
			println(v, "big", w)
		} else if w == 4 {
			println(v, "four")
		} else if u := w + 1; u == 2 {
			println(v, "one", u)
		} else {
			println(v, "other", w, u)
		}
	}

	// switch with init and bool tag, case lists, break in a case
	for t := 0; t < 6; t++ {
		switch x := t % 3; x == 1 {
		case true:
			println(t, "mod 1")
		case false:
			if t > 3 {
				break
			}
			println(t, "not mod 1")
		}
	}
	switch y := 5; {
	case y > 3, y < 0:
		println("y out of range")
	}

	// for with only a condition, and an endless for left by return-like break
	s, k := 0, 1
	for k < 1000 {
		k *= 3
		s++
	}
	for {
		s--
		if s < 0 {
			break
		}
	}
	println("s k", s, k)
	{
		s := true
		_ = s
	}
}

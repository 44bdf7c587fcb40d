package main

import (
	"errors"
	"io"
)

func mcf(args []string, stdout io.Writer) error {
	return errors.New("mcf: the solver is not wired yet")
}

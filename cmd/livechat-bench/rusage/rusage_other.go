//go:build !unix

package rusage

import (
	"fmt"
	"os"
)

// Of reports nothing: resource usage needs a Unix system.
func Of(*os.ProcessState) Usage { return Usage{} }

// Launch fails: the launcher needs a Unix system.
func Launch() int {
	fmt.Fprintln(os.Stderr, "launcher: the benchmark harness needs Linux or macOS")
	return 2
}

//go:build !unix && !windows

package sandbox

import "os"

// lockFile does nothing where the platform has no advisory file locks
// (plan9, wasm): a second sandbox on the same data file goes undetected.
func lockFile(*os.File) error { return nil }

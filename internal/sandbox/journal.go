package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// journal persists the sandbox state as an append-only file of JSON lines,
// one line per acknowledged update. At start the file is replayed and then
// compacted into one snapshot line per row, so the cost of a write never
// depends on how many objects are stored. A torn last line (a crash in the
// middle of a write) is ignored.
type journal struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

// openJournal replays path into apply and compacts it. A missing file is an
// empty state.
func openJournal(path string, apply func(change) error, snapshot func() []change) (*journal, error) {
	if err := replay(path, apply); err != nil {
		return nil, err
	}
	if err := compact(path, snapshot()); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening data file: %w", err)
	}
	return &journal{path: path, f: f}, nil
}

func replay(path string, apply func(change) error) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening data file: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	lineNo := 0
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			// A last line without its newline was cut short by a crash: the
			// update it held was never acknowledged.
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading data file: %w", err)
		}
		lineNo++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var changes []change
		if err := json.Unmarshal(line, &changes); err != nil {
			// Only a torn tail is tolerated: a bad line followed by more
			// data is corruption.
			if _, perr := r.Peek(1); errors.Is(perr, io.EOF) {
				return nil
			}
			return fmt.Errorf("data file %s line %d is corrupt: %v", path, lineNo, err)
		}
		for _, c := range changes {
			if err := apply(c); err != nil {
				return fmt.Errorf("data file %s line %d: %w", path, lineNo, err)
			}
		}
	}
}

// compact writes the whole state to a new file and renames it over path.
func compact(path string, rows []change) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".compact-*")
	if err != nil {
		return fmt.Errorf("compacting data file: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	const perLine = 256
	for i := 0; i < len(rows); i += perLine {
		end := min(i+perLine, len(rows))
		b, err := json.Marshal(rows[i:end])
		if err != nil {
			tmp.Close()
			return err
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("compacting data file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("compacting data file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("compacting data file: %w", err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// append writes one update and waits until it is on disk.
func (j *journal) append(changes []change) error {
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("writing data file: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("syncing data file: %w", err)
	}
	return nil
}

// rewrite replaces the whole file with rows (after a reset).
func (j *journal) rewrite(rows []change) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Close(); err != nil {
		return err
	}
	if err := compact(j.path, rows); err != nil {
		return err
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	j.f = f
	return nil
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Sync(); err != nil {
		j.f.Close()
		return err
	}
	return j.f.Close()
}

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
	"sync/atomic"
)

// journal persists the sandbox state as an append-only file of JSON lines,
// one line per update. At start the file is replayed and then compacted into
// snapshot lines, so the cost of a write never depends on how many objects
// are stored. A torn last line (a crash in the middle of a write) is ignored;
// a bad line followed by more data is corruption and stops the start.
//
// Writes use group commit. An update appends its record to a pending buffer
// while it holds the state lock, so records sit in the buffer in the order
// the state changed; it then releases the lock and waits. One flusher
// goroutine writes whatever is pending and fsyncs it, so every update that
// arrived while the previous fsync ran shares the next one. An update is
// acknowledged only once the fsync covering its record has returned.
//
// A failed write or fsync is final: the file may end in a torn record and
// the kernel may have dropped the dirty pages, so nothing is written after
// it, every waiting and later update fails, and the sandbox refuses requests
// until it is restarted (which replays what did reach the disk).
type journal struct {
	path string
	// lock is the open lock file beside path, held until close so no
	// other sandbox replays and compacts the file under this one.
	lock *os.File

	// Updates append under mu; the flusher swaps pending out under mu and
	// writes it without holding mu.
	mu      sync.Mutex
	flushCv *sync.Cond // the flusher waits here for pending records
	doneCv  *sync.Cond // updates wait here for their fsync
	f       journalFile
	pending []byte
	spare   []byte
	// flushing is true while the flusher writes outside mu.
	flushing bool
	// err is the first write or fsync failure; it never clears.
	err     error
	closed  bool
	stopped bool // the flusher has exited
	done    chan struct{}

	// appended is the number of the last record put in pending; synced the
	// number of the last record an fsync covered. Both only grow.
	appended atomic.Uint64
	synced   atomic.Uint64

	// size counts bytes appended since the last compaction; when it passes
	// compactAt the next update compacts the file.
	size       int64
	compactAt  int64
	compactMin int64

	// syncs counts fsyncs of appended records (for tests).
	syncs atomic.Int64
}

// journalFile is what the journal needs of its file (tests substitute one
// that fails or blocks).
type journalFile interface {
	io.Writer
	Sync() error
	Close() error
}

// defaultCompactMin is the least a data file grows between compactions.
const defaultCompactMin = 64 << 20

var errJournalClosed = errors.New("the sandbox is shutting down; the change was not saved")

// errFileLocked is lockFile's answer when another open file holds the lock.
var errFileLocked = errors.New("locked by another process")

// openJournal locks path, replays it into apply, compacts it from snapshot
// and starts the flusher. A missing file is an empty state.
func openJournal(path string, apply func(change) error, snapshot func() []change) (*journal, error) {
	lock, err := lockDataFile(path)
	if err != nil {
		return nil, err
	}
	j, err := openLockedJournal(path, apply, snapshot)
	if err != nil {
		_ = lock.Close()
		return nil, err
	}
	j.lock = lock
	return j, nil
}

// lockDataFile takes the lock of the data file at path: an OS lock on
// path+".lock", which is never removed (removing it would let two processes
// lock two different files of the same name).
func lockDataFile(path string) (*os.File, error) {
	lockPath := path + ".lock"
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the lock file of the data file: %w", err)
	}
	if err := lockFile(f); err != nil {
		_ = f.Close()
		if errors.Is(err, errFileLocked) {
			return nil, fmt.Errorf("the data file %s is in use by another livechat-sandbox (%s is locked): stop that one, or give this one another data file", path, lockPath)
		}
		return nil, fmt.Errorf("locking %s: %w", lockPath, err)
	}
	return f, nil
}

func openLockedJournal(path string, apply func(change) error, snapshot func() []change) (*journal, error) {
	if err := replay(path, apply); err != nil {
		return nil, err
	}
	n, err := compact(path, snapshot())
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening data file: %w", err)
	}
	j := &journal{path: path, f: f, done: make(chan struct{}), compactMin: defaultCompactMin}
	j.flushCv = sync.NewCond(&j.mu)
	j.doneCv = sync.NewCond(&j.mu)
	j.compactAt = j.threshold(n)
	go j.flushLoop()
	return j, nil
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

// compact writes rows to a new file, fsyncs it and renames it over path, so
// the file is always either the old one or the new one. It returns the new
// file's size.
func compact(path string, rows []change) (int64, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".compact-*")
	if err != nil {
		return 0, fmt.Errorf("compacting data file: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	var n int64
	const perLine = 256
	for i := 0; i < len(rows); i += perLine {
		end := min(i+perLine, len(rows))
		b, err := json.Marshal(rows[i:end])
		if err != nil {
			tmp.Close()
			return 0, err
		}
		// bufio errors are sticky: Flush below reports any of them.
		_, _ = w.Write(b)
		_ = w.WriteByte('\n')
		n += int64(len(b)) + 1
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("compacting data file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("compacting data file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("compacting data file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, fmt.Errorf("compacting data file: %w", err)
	}
	return n, syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// threshold is how far the file may grow past a snapshot of snapBytes.
func (j *journal) threshold(snapBytes int64) int64 {
	return max(j.compactMin, 4*snapBytes)
}

// enqueue adds one update's record to the pending buffer and returns its
// number for wait. The caller holds the state's write lock, which is what
// keeps records in the order the state changed.
func (j *journal) enqueue(changes []change) (uint64, error) {
	b, err := json.Marshal(changes)
	if err != nil {
		return 0, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return 0, j.err
	}
	if j.closed {
		return 0, errJournalClosed
	}
	j.pending = append(j.pending, b...)
	j.pending = append(j.pending, '\n')
	seq := j.appended.Add(1)
	j.flushCv.Signal()
	return seq, nil
}

// wait blocks until record seq is on disk, or returns why it never will be.
func (j *journal) wait(seq uint64) error {
	if j.synced.Load() >= seq {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	for j.synced.Load() < seq && j.err == nil && !j.stopped {
		j.doneCv.Wait()
	}
	switch {
	case j.synced.Load() >= seq:
		return nil
	case j.err != nil:
		return j.err
	default:
		return errJournalClosed
	}
}

// visible is the number of the last record a reader holding the state lock
// can see (0 without a journal).
func (j *journal) visible() uint64 {
	if j == nil {
		return 0
	}
	return j.appended.Load()
}

// awaitVisible makes a reader wait until what it saw is on disk, so no
// response shows a change that a crash could still undo. On a failure it
// returns at once: the sandbox refuses the following requests.
func (j *journal) awaitVisible(seq uint64) {
	if j == nil || seq == 0 {
		return
	}
	_ = j.wait(seq)
}

// failure is the journal's final error, if any.
func (j *journal) failure() error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

func (j *journal) flushLoop() {
	j.mu.Lock()
	defer func() {
		j.stopped = true
		j.doneCv.Broadcast()
		j.mu.Unlock()
		close(j.done)
	}()
	for {
		for (len(j.pending) == 0 || j.err != nil) && !j.closed {
			j.flushCv.Wait()
		}
		if len(j.pending) == 0 || j.err != nil {
			return // closed, and everything pending is written
		}
		batch, seq, f := j.pending, j.appended.Load(), j.f
		j.pending, j.spare = j.spare[:0], nil
		j.flushing = true
		j.mu.Unlock()

		_, err := f.Write(batch)
		if err == nil {
			err = f.Sync()
		}
		j.syncs.Add(1)

		j.mu.Lock()
		j.flushing = false
		j.spare = batch[:0]
		if err != nil {
			j.err = fmt.Errorf("writing the data file %s failed, so the sandbox refuses requests until it is restarted: %w", j.path, err)
		} else {
			j.size += int64(len(batch))
			j.synced.Store(seq)
		}
		j.doneCv.Broadcast()
	}
}

// drainLocked waits (j.mu held) until every pending record is on disk.
func (j *journal) drainLocked() error {
	for (len(j.pending) > 0 || j.flushing) && j.err == nil && !j.stopped {
		j.flushCv.Signal()
		j.doneCv.Wait()
	}
	if j.err != nil {
		return j.err
	}
	if len(j.pending) > 0 {
		return errJournalClosed
	}
	return nil
}

// dueForCompaction reports whether the appended records outgrew the last
// snapshot enough to rewrite the file.
func (j *journal) dueForCompaction() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err == nil && !j.closed && j.size > j.compactAt
}

// rewrite replaces the whole file with rows, the complete current state.
// The caller holds the state's write lock, so no record is added meanwhile;
// what is pending is flushed first, so the file is a valid history at every
// moment and a crash leaves either the old file or the new one. A failure
// leaves the old file in use and is not final by itself: the caller decides
// (a compaction can simply be retried later; a reset cannot).
func (j *journal) rewrite(rows []change) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return errJournalClosed
	}
	if err := j.drainLocked(); err != nil {
		return err
	}
	n, err := compact(j.path, rows)
	if err != nil {
		// Try again after as much growth again.
		j.compactAt = j.size + j.threshold(j.size)
		return err
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return j.failLocked(fmt.Errorf("reopening data file: %w", err))
	}
	_ = j.f.Close() // its records are all synced and now also in the snapshot
	j.f = f
	j.size = 0
	j.compactAt = j.threshold(n)
	// Every record so far is part of the snapshot.
	j.synced.Store(j.appended.Load())
	return nil
}

// fail makes err final (the state in memory and on disk have parted).
func (j *journal) fail(err error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.failLocked(err)
}

func (j *journal) failLocked(err error) error {
	if j.err == nil {
		j.err = fmt.Errorf("the data file %s could not be updated, so the sandbox refuses requests until it is restarted: %w", j.path, err)
	}
	j.flushCv.Broadcast()
	j.doneCv.Broadcast()
	return j.err
}

// close flushes what is pending, stops the flusher and closes the file. It
// may be called more than once.
func (j *journal) close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		<-j.done
		return nil
	}
	j.closed = true
	j.flushCv.Broadcast()
	j.mu.Unlock()
	<-j.done

	j.mu.Lock()
	defer j.mu.Unlock()
	cerr := j.f.Close()
	if j.lock != nil {
		// Only now may another sandbox take the file over.
		_ = j.lock.Close()
	}
	if j.err != nil {
		return j.err
	}
	return cerr
}

// persistLocked queues the changes of one update (the caller holds the
// write lock) and returns the record number to wait for, or 0 when there is
// nothing to wait for. Changes are queued even when fn failed after making
// some, so the file never disagrees with memory; fnErr is passed through.
func (s *Server) persistLocked(x *tx, fnErr error) (uint64, error) {
	if s.journal == nil || len(x.changes) == 0 {
		return 0, fnErr
	}
	seq, err := s.journal.enqueue(x.changes)
	if err != nil {
		return 0, err
	}
	if s.journal.dueForCompaction() {
		// A failed compaction leaves the appended file in use and is
		// retried after more growth; the update itself is unaffected.
		_ = s.journal.rewrite(s.snapshot())
	}
	return seq, fnErr
}

// Command ferretdb runs FerretDB's embeddable package with the SQLite backend, as a
// MongoDB-wire server for tests where MongoDB itself cannot be installed.
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb` panics for want of the generated
// build/version/version.txt; the embeddable package does not need it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	stateDir := flag.String("state-dir", ".tmp/ferretdb", "directory of the SQLite databases (created if missing)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	flag.Parse()

	if err := run(*listen, *stateDir, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}

func run(listen, stateDir, logLevel string) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(stateDir)
	if err != nil {
		return fmt.Errorf("-state-dir: %w", err)
	}
	// The SQLite backend wants an existing directory, as a file: URL ending in a slash.
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("-state-dir: %w", err)
	}
	sqliteURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/"}).String()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}

	// Run returns once ctx is cancelled and every connection and the backend are closed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// MongoDBURI waits for the listener, so it is only called once Run has started.
	fmt.Println(f.MongoDBURI())

	err = <-done
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	logger.Info("stopped")
	return nil
}

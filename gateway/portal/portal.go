// Package portal holds the web portal's built files (dist/, made by
// `go tool task portal` from the TypeScript sources beside it and
// committed, so a machine with only Go serves the portal) and the handler
// that serves them.
//
// The handler serves a file of dist/ when the path names one, and the
// single-page app's index.html for any other path without a file
// extension, so a page reloaded at /apps/... still opens; a missing asset is
// a 404, never the page.
package portal

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed dist
var dist embed.FS

// Files are the built portal (index.html and assets/).
func Files() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded: it exists
	}
	return sub
}

// Handler serves the portal at the root of its mux: GET and HEAD only.
// Scripts and styles go gzipped to clients that accept it, compressed once
// here (they are a third of their size so, and never change).
func Handler() http.Handler {
	files := Files()
	index, _ := fs.ReadFile(files, "index.html")
	static := http.FileServerFS(files)
	gz := compressAssets(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the portal serves only GET and HEAD", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(files, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					// Content-hashed names: a file never changes under its name.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				w.Header().Add("Vary", "Accept-Encoding")
				if b, ok := gz[name]; ok && acceptsGzip(r) {
					w.Header().Set("Content-Encoding", "gzip")
					w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
					http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
					return
				}
				static.ServeHTTP(w, r)
				return
			}
			if path.Ext(name) != "" {
				http.NotFound(w, r)
				return
			}
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(index)
	})
}

// compressAssets gzips the scripts and styles under assets/.
func compressAssets(files fs.FS) map[string][]byte {
	out := map[string][]byte{}
	_ = fs.WalkDir(files, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (path.Ext(name) != ".js" && path.Ext(name) != ".css") {
			return nil
		}
		raw, err := fs.ReadFile(files, name)
		if err != nil {
			return nil
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write(raw)
		_ = zw.Close()
		out[name] = b.Bytes()
		return nil
	})
	return out
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

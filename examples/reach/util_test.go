package reach

import "os"

func writeText(path, text string) error { return os.WriteFile(path, []byte(text), 0o644) }

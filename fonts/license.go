package fonts

import "strings"

// guessLicense maps the free text of a font's licence-related names (IDs
// 13 licence description, 14 licence URL, 0 copyright) to a short
// SPDX-like identifier. It is a best effort for system and user fonts,
// whose licence travels in their packaging rather than in a field we can
// trust; the embedded set carries authoritative identifiers instead
// (embeddedLicenses). "" means unknown.
func guessLicense(text string) string {
	t := strings.ToLower(text)
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(t, x) {
				return true
			}
		}
		return false
	}
	exception := has("font exception", "special exception", "as a special exception")
	switch {
	case has("open font license", "scripts.sil.org/ofl", "openfontlicense.org", "ofl"):
		if has("version 1.0", "license, version 1.0", "1.0 -") && !has("1.1") {
			return "OFL-1.0"
		}
		return "OFL-1.1"
	case has("apache license", "apache.org/licenses"):
		return "Apache-2.0"
	case has("ubuntu font licence", "ubuntu font license"):
		return "UFL-1.0"
	case has("bitstream vera", "bitstream, inc") || (has("bitstream") && has("vera")):
		return "Bitstream-Vera"
	case has("affero", "agpl"):
		if exception {
			return "AGPL-3.0-with-font-exception"
		}
		return "AGPL-3.0"
	case has("gnu general public license", "gpl"):
		if exception {
			return "GPL-with-font-exception"
		}
		return "GPL"
	case has("latex project public license", "lppl"):
		return "LPPL-1.3c"
	case has("gust font license"):
		return "GFL"
	}
	return ""
}

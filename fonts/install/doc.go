// Package install installs font packages for the command line's
// "synbols-gpu fonts install": nothing else in the module needs it, and it
// imports nothing of the module (the catalogue finds what it installed
// through package fonts' system folders).
//
// A tier ("small" or "full", TierPackages) is a list of Debian packages,
// embedded data (small.txt, full.txt). InstallPackages installs a tier with
// apt-get on Debian/Ubuntu, skipping, with one warning each, the names apt
// has no candidate for. The full tier adds the Google Fonts families that
// Debian does not package, from npm (npm.txt, NPMPackages): InstallNPM
// fetches each with "npm pack" (no package scripts run) and extracts only
// its font and licence files into NPMFontDir, a folder fonts.SystemDirs
// walks, each package replaced in one rename. Install runs both steps.
// InstallOptions.Run and IsRoot let tests replace the commands and the
// root check; DryRun prints the commands instead.
//
// Concurrency: a call runs its commands one after the other and may be
// made from any goroutine; two installs into the same folders at once are
// not coordinated (apt-get itself refuses a second run). TierPackages and
// NPMPackages are safe for concurrent use.
//
// Errors, all prefixed "install: ": ErrUnknownTier (a tier other than
// small or full), ErrNoApt (no apt-get: not Debian/Ubuntu), ErrNotRoot
// (apt needs root), ErrInstall (an apt-get or apt-cache run failed,
// wrapping its error), ErrNPM (the npm step cannot write its destination
// or its package list is invalid). A package that npm cannot fetch, or
// whose tarball is unusable, is a warning (InstallOptions.Warn), not an
// error: the fonts installed are still a usable pool.
package install

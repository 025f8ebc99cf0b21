import Foundation

/// Writes `bytes` to `path` with `writeFileAtomically`, creating the folder first (so that
/// `--output out/net.json` works on a fresh clone).
/// - Throws: `InputError` naming `path` when the folder or the file cannot be written.
func writeFileCreatingFolder(_ bytes: [UInt8], to path: String) throws(InputError) {
  let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
  do {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  } catch {
    throw InputError(file: path, message: "cannot create its folder: \(error.localizedDescription)")
  }
  try writeFileAtomically(bytes, to: path)
}

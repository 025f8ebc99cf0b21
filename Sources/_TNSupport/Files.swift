import Foundation

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so that a
/// reader never sees a half-written file and a failure leaves the old file intact.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(InputError) {
  let url = URL(fileURLWithPath: path)
  do {
    try Data(bytes).write(to: url, options: .atomic)
  } catch {
    throw InputError(file: path, message: "cannot write: \(error.localizedDescription)")
  }
}

/// Reads a whole file, or throws an `InputError` naming it.
public func readFile(_ path: String) throws(InputError) -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      throw InputError(file: path, message: isDirectory.boolValue ? "is a directory, not a file" : "cannot be read")
    }
    throw InputError(file: path, message: "no such file")
  }
  return [UInt8](data)
}

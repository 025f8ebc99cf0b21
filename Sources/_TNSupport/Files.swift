import Foundation

/// Writes `bytes` to `path` atomically: through a temporary file in the same folder, renamed over
/// `path` once complete, so that a reader never sees a half-written file and a failure leaves the
/// old file (if any) intact. Missing folders on the way to `path` are created.
///
/// The temporary is `.NAME.PID-RANDOM.partial` beside the target; it is removed on any failure.
/// - Throws: `InputError` naming the folder that cannot be created, or the file that cannot be
///   written or moved into place.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(InputError) {
  let file = try AtomicFile(path: path)
  do throws(InputError) {
    try file.write(bytes)
    try file.commit()
  } catch {
    file.discard()
    throw error
  }
}

/// A file written in pieces and moved into place only when complete: the streaming form of
/// `writeFileAtomically`, for writers that cannot hold the whole file in memory.
///
/// Bytes go to a temporary file in the target's folder; `commit()` renames it over the target;
/// `discard()` (or deinitialisation without a commit) removes it, so a failed write leaves no
/// temporary behind and the target untouched.
public final class AtomicFile {
  /// The file this writes.
  public let path: String
  /// The temporary file the bytes go to until `commit()`.
  public let temporaryPath: String
  var handle: FileHandle?

  /// Creates the temporary file, and any missing folders on the way to `path`.
  /// - Throws: `InputError` naming the folder that cannot be created or the file that cannot be.
  public init(path: String) throws(InputError) {
    self.path = path
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    try Self.createFolder(folder, for: path)
    Self.removeStaleTemporaries(of: url.lastPathComponent, in: folder)
    temporaryPath = folder + "/." + url.lastPathComponent + ".\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).partial"
    // open(2) rather than FileManager.createFile, which writes through a Foundation temporary
    // (`.dat.nosync...`) that a kill would leave behind.
    let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else {
      throw InputError(file: path, message: "cannot create the file in \(folder): \(String(cString: strerror(errno)))")
    }
    handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
  }

  /// Removes the temporaries `.NAME.PID-RANDOM.partial` of `name` in `folder` left by a process
  /// that no longer runs (killed while writing): the next write of the same file cleans them.
  static func removeStaleTemporaries(of name: String, in folder: String) {
    let prefix = "." + name + "."
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for entry in entries where entry.hasPrefix(prefix) && entry.hasSuffix(".partial") {
      let middle = entry.dropFirst(prefix.count).dropLast(".partial".count)
      guard let dash = middle.firstIndex(of: "-"), let pid = Int32(middle[..<dash]), pid > 0 else { continue }
      // kill(pid, 0) fails with ESRCH only when no such process exists.
      if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder + "/" + entry) }
    }
  }

  deinit { discard() }

  static func createFolder(_ folder: String, for path: String) throws(InputError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw InputError(file: path, message: "\(folder) is a file, not a folder") }
      return
    }
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw InputError(file: path, message: "cannot create the folder \(folder): \(error.localizedDescription)")
    }
  }

  /// Appends `bytes` to the temporary file.
  /// - Throws: `InputError` naming the target when the write fails (the disk is full...).
  public func write(_ bytes: [UInt8]) throws(InputError) {
    guard let handle else { throw InputError(file: path, message: "cannot write: the file is already closed") }
    do {
      try handle.write(contentsOf: bytes)
    } catch {
      throw InputError(file: path, message: "cannot write: \(error.localizedDescription)")
    }
  }

  /// Closes the temporary file and renames it over the target.
  /// - Throws: `InputError` when it cannot be closed or moved into place; the temporary is then
  ///   removed.
  public func commit() throws(InputError) {
    guard let h = handle else { throw InputError(file: path, message: "cannot write: the file is already closed") }
    handle = nil
    do {
      try h.close()
    } catch {
      unlink(temporaryPath)
      throw InputError(file: path, message: "cannot write: \(error.localizedDescription)")
    }
    guard rename(temporaryPath, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporaryPath)
      throw InputError(file: path, message: "cannot move the finished file into place: \(reason)")
    }
  }

  /// Abandons the file: closes and removes the temporary; the target is left as it was.
  public func discard() {
    guard let h = handle else { return }
    handle = nil
    try? h.close()
    unlink(temporaryPath)
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

import Foundation
import TrueNorth
import TrueNorthIO

/// Runs `body`, which reads `path` as a model; when that fails on a file that holds something else
/// (spikes, a chip definition), says what the file is and where it belongs
/// instead of the JSON reader's complaint (`invalid JSON ... expected 'true'` for a CSV file).
func explainingKind<T>(of path: String, _ body: () throws(InputError) -> T) throws(InputError) -> T {
  do {
    return try body()
  } catch {
    guard error.file == path, FileManager.default.isReadableFile(atPath: path) else { throw error }
    switch FileKind.detect(path: path) {
    case .spikes(let format) where format != .rancInput:
      throw InputError(file: path, field: "model", value: path, allowed: "a model file",
        message: "is a spike file (\(format.name)), not a model; give the model first and spikes with --input (docs/model-format.md)")
    case .chipDefinition:
      throw InputError(file: path, field: "model", value: path, allowed: "a model file",
        message: "is a chip definition, not a model; give it with --chip (docs/chipdefs.md)")
    default:
      throw error
    }
  }
}

/// A file error as one JSON object on standard output, for `--json` runs that stop at a file that
/// does not parse: `{"fits": false, "error": {"file", "line", "path", "message"}}`.
func errorJSON(_ error: InputError) -> String {
  var w = JSONTextWriter()
  w.beginObject()
  w.member("fits", false)
  w.key("error")
  w.beginObject()
  w.member("file", error.file)
  if let line = error.line { w.member("line", line) }
  if let path = error.path, !path.isEmpty { w.member("path", path) }
  w.member("message", error.message)
  w.member("description", error.description)
  w.endObject()
  w.endObject()
  return w.text
}

import Foundation

/// What a file holds, from its first bytes (not its name): `tnsim info` and the spike readers
/// use this to tell chip definitions, models and spike files apart.
public enum FileKind: Sendable, Equatable {
  /// A tnsim chip definition (`"format": "tnsim-chip"`).
  case chipDefinition
  /// A tnsim model file (`"format": "tnsim-model"`).
  case tnsimModel
  /// An IBM toolchain `model.json` (a `neuronTypes` section).
  case ibmModel
  /// Spikes in one of the formats of `SpikeFormat.all` (a RANC `input.json` reads as its packets).
  case spikes(SpikeFormat)

  /// Bytes of a file's start that detection looks at.
  public static let headLength = 4096

  /// The kind of a file that starts with `head`.
  public static func detect(_ head: [UInt8]) -> FileKind {
    let format = SpikeFormat.detect(head)
    guard format == .rancInput else { return .spikes(format) }
    let text = String(decoding: head, as: UTF8.self)
    if text.contains("\"tnsim-chip\"") { return .chipDefinition }
    if text.contains("\"tnsim-model\"") { return .tnsimModel }
    if text.contains("\"neuronTypes\"") { return .ibmModel }
    return .spikes(.rancInput)
  }

  /// The kind of the file at `path`; a file that cannot be read counts as CSV spikes, whose reader
  /// then says what is wrong.
  public static func detect(path: String) -> FileKind {
    guard let h = FileHandle(forReadingAtPath: path) else { return .spikes(.csv) }
    defer { try? h.close() }
    return detect([UInt8]((try? h.read(upToCount: headLength)) ?? Data()))
  }
}

extension FileKind {
  /// The formats detection tries, for errors about a file that is none of them.
  public static let formatsTried =
    "tnsim model, chip definition, IBM model.json, RANC input.json, spike files (csv, tnspk, sfti, sfri, sfro, RANC output)"

  /// Refuses a file that detection would take for CSV spikes but that cannot be: empty, binary,
  /// or starting with neither a digit nor a header (`tick,...`).
  /// - Throws: `InputError` naming `path`, what it starts with and the formats tried.
  public static func refuseUnknown(path: String) throws(InputError) {
    guard let h = FileHandle(forReadingAtPath: path) else { return }
    defer { try? h.close() }
    let head = [UInt8]((try? h.read(upToCount: 64)) ?? Data())
    let first = head.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
    if head.isEmpty {
      throw InputError(file: path, message: "is empty; tried " + formatsTried)
    }
    guard let first, (0x30...0x39).contains(first) || first == UInt8(ascii: "t") || first == UInt8(ascii: "-") || first == UInt8(ascii: "#") else {
      let shown = _printable(String(decoding: head.prefix(24), as: UTF8.self), limit: 40)
      throw InputError(file: path, message: "is not a model or spike file tnsim knows (it starts with \"\(shown)\"); tried " + formatsTried)
    }
  }
}

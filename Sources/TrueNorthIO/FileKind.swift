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

import Foundation

/// A progress bar on standard error when it is a terminal; plain lines every 10% otherwise.
final class ProgressBar {
  let label: String
  let enabled: Bool
  let terminal = isatty(2) == 1
  var lastTenth = -1
  var drawn = false
  /// Nothing is shown for work that finishes within this many seconds.
  let quietSeconds: Double
  let start = Date()

  init(label: String, enabled: Bool = true, quietSeconds: Double = 1) {
    self.label = label
    self.enabled = enabled
    self.quietSeconds = quietSeconds
  }

  func update(_ fraction: Double, _ detail: String) {
    guard enabled, Date().timeIntervalSince(start) >= quietSeconds else { return }
    let f = min(max(fraction, 0), 1)
    if terminal {
      let width = 30
      let filled = Int(f * Double(width))
      let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
      FileHandle.standardError.write("\r\(label) [\(bar)] \(String(format: "%3.0f", f * 100))% \(detail)\u{1B}[K".data(using: .utf8)!)
      drawn = true
    } else if Int(f * 10) > lastTenth {
      lastTenth = Int(f * 10)
      printError("\(label): \(String(format: "%.0f", f * 100))% \(detail)")
    }
  }

  func finish() {
    if drawn { FileHandle.standardError.write("\n".data(using: .utf8)!) }
    drawn = false
  }
}

// Reading QR codes from the camera: the browser's BarcodeDetector where it exists, else jsQR (from npm) on the
// video's frames drawn into a canvas. Calls onCode(text) for each code read (the same code again only after a
// pause, so a ticket held in front of the lens is scanned once).
const FRAME_MS = 120;
const SAME_CODE_MS = 3000;
const MAX_WIDTH = 800;

let jsQR = null;

async function detector() {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const found = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async (video) => {
          const codes = await found.detect(video);
          return codes.length ? codes[0].rawValue : null;
        };
      }
    } catch {
      // fall through to jsQR
    }
  }
  if (!jsQR) jsQR = (await import("../../vendor/jsqr.min.js")).default;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (!width || !height) return null;
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const frame = context.getImageData(0, 0, width, height);
    const code = jsQR(frame.data, width, height, { inversionAttempts: "dontInvert" });
    return code ? code.data : null;
  };
}

export class Camera {
  constructor(video, onCode) {
    this.video = video;
    this.onCode = onCode;
    this.stream = null;
    this.timer = null;
    this.last = { text: "", at: 0 };
  }

  get running() {
    return this.stream !== null;
  }

  async start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error("no camera");
    const read = await detector();
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
    this.video.srcObject = this.stream;
    await this.video.play();
    const tick = async () => {
      if (!this.stream) return;
      try {
        if (this.video.readyState >= 2) {
          const text = await read(this.video);
          const now = Date.now();
          if (text && (text !== this.last.text || now - this.last.at > SAME_CODE_MS)) {
            this.last = { text, at: now };
            this.onCode(text);
          } else if (text) {
            this.last.at = now;
          }
        }
      } catch {
        // a frame that could not be read: try the next one
      }
      if (this.stream) this.timer = setTimeout(tick, FRAME_MS);
    };
    tick();
  }

  stop() {
    clearTimeout(this.timer);
    if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    this.video.srcObject = null;
  }
}

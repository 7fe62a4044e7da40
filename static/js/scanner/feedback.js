// A beep (WebAudio: high for admitted, low for refused, two short mid tones for amber) and a vibration.
let audio = null;

export function unlockAudio() {
  if (audio) return;
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  try {
    audio = new Context();
  } catch {
    audio = null;
  }
}

function tone(frequency, start, length) {
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.type = "square";
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.2, audio.currentTime + start);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + start + length);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start(audio.currentTime + start);
  oscillator.stop(audio.currentTime + start + length);
}

export function signal(colour) {
  if (audio) {
    try {
      if (audio.state === "suspended") audio.resume();
      if (colour === "green") tone(1320, 0, 0.15);
      else if (colour === "amber") { tone(660, 0, 0.12); tone(660, 0.18, 0.12); }
      else tone(220, 0, 0.45);
    } catch {
      // no sound: the colour and the words say it
    }
  }
  if (navigator.vibrate) {
    navigator.vibrate(colour === "green" ? 80 : colour === "amber" ? [80, 60, 80] : [300, 100, 300]);
  }
}

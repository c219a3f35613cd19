#!/usr/bin/env bash
# make_prompts.sh OUT_DIR: the phone channel's voice prompts, 8 kHz mono MP3 (32 kbps).
# Synthesized Mandarin (espeak-ng voice cmn-latn-pinyin: the plain "cmn" voice of espeak-ng 1.51
# reads Chinese as English pinyin) and sox hold music. MP3 because rtpengine 10.5 plays 8 kHz WAV in
# bursts; MP3 frames pace evenly. Production should replace them with recorded human prompts
# (phone.prompts_dir overrides them by name).
# Idempotent: a file newer than this script is kept. Prints one summary line on success.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
out=$1
script=${BASH_SOURCE[0]}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
made=0
kept=0

fresh() {  # fresh NAME: true if OUT/NAME exists and is newer than this script
  [[ -s "$out/$1" && "$out/$1" -nt "$script" ]]
}

to_mp3() {  # to_mp3 IN.wav NAME: 8 kHz mono 32 kbps MP3, written atomically
  sox "$1" -r 8000 -c 1 -C 32 "$tmp/$2"
  mv -f "$tmp/$2" "$out/$2"
}

say() {  # say NAME TEXT
  if fresh "$1"; then kept=$((kept + 1)); return; fi
  espeak-ng -v cmn-latn-pinyin -s 165 -w "$tmp/raw.wav" "$2"
  sox "$tmp/raw.wav" "$tmp/norm.wav" norm -3
  to_mp3 "$tmp/norm.wav" "$1"
  made=$((made + 1))
}

zh_number() {  # zh_number N (1..99) in Chinese characters: 1 一, 10 十, 11 十一, 20 二十, 21 二十一
  local digits=(零 一 二 三 四 五 六 七 八 九) n=$1 text=""
  if (( n >= 20 )); then text="${digits[n / 10]}十"; elif (( n >= 10 )); then text="十"; fi
  if (( n % 10 != 0 || n < 10 )); then text+="${digits[n % 10]}"; fi
  printf '%s' "$text"
}

zh_count() {  # zh_count N: a number before a measure word (位, 分钟): 2 is 两, 12 and 22 stay 十二, 二十二
  if (( $1 == 2 )); then printf '两'; else zh_number "$1"; fi
}

say queue_intro.mp3 "您好，这里是一二三四八公共法律服务热线，值班律师正在忙，请稍候。"
for n in $(seq 1 30); do
  say "position_$n.mp3" "您前面还有$(zh_count "$n")位。"
done
say position_many.mp3 "您前面还有三十位以上。"
for m in $(seq 1 30); do
  say "wait_$m.mp3" "预计等待$(zh_count "$m")分钟。"
done
say wait_soon.mp3 "预计等待不到一分钟。"
say callback_offer.mp3 "现在无法接通律师，需要预约回拨请按一，我们会尽快给您回电。"
say callback_done.mp3 "已为您预约回拨，请保持电话畅通，再见。"
say survey.mp3 "请对本次服务进行评价，满意请按一，基本满意请按二，不满意请按三。"
say thanks.mp3 "感谢您的评价，再见。"
say closed.mp3 "现在没有值班律师，请在工作时间再拨，或通过网上留言咨询，再见。"

# Hold music, about 30 s: a calm pentatonic melody of 16 distinct plucked notes (0.6 s each),
# played three times; its note track lets a test correlate what reaches the caller with this file.
if fresh music.mp3; then
  kept=$((kept + 1))
else
  melody=(C4 E4 G4 A4 G4 E4 D4 G4 C5 A4 G4 E4 D4 E4 C4 G3)
  notes=()
  for i in "${!melody[@]}"; do
    note=${melody[i]}
    sox -n -r 8000 -c 1 -b 16 "$tmp/n$i.wav" synth 0.6 pluck "$note" fade t 0.01 0.6 0.15 vol 0.6
    notes+=("$tmp/n$i.wav")
  done
  sox "${notes[@]}" "$tmp/phrase.wav"
  sox "$tmp/phrase.wav" "$tmp/phrase.wav" "$tmp/phrase.wav" "$tmp/music.wav" pad 0 1 norm -6
  to_mp3 "$tmp/music.wav" music.mp3
  made=$((made + 1))
fi

echo "make_prompts: $made generated, $kept up to date in $out"

#!/bin/sh
# Builds the sample utility's evidence bundle from the files it really keeps
# (sources/: spreadsheets saved by Excel, exported logs), with mizuchi's
# import commands alone: no JSON written by hand. The bundle checked in as
# bundle/ is this script's output, and a test rebuilds it and compares.
#
#   usage: build.sh OUT_DIR      (the binary is $MIZUCHI, default `mizuchi`)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/sources"
out=$1
m=${MIZUCHI:-mizuchi}

"$m" evidence init "$out" \
  --utility-id JP-MINAMIYAMA-WW \
  --utility-name 南山市上下水道局 \
  --utility-name-en "Minamiyama City Waterworks Bureau" \
  --collected-on 2026-11-27 --assessment-date 2026-11-27

# Workbooks (one sheet per table) and the CSV files of each section, named
# after their tables; the backup tool's report is found by its header row.
"$m" evidence import sheet --into "$out" \
  "$src/資産台帳.xlsx" "$src/ネットワーク構成.xlsx" "$src/組織体制.xlsx" \
  "$src/拠点.csv" "$src/区域.csv" "$src/職員.csv" "$src/異動.csv" \
  "$src/アカウント.csv" "$src/入室許可.csv" "$src/来訪者.csv" "$src/研修.csv" \
  "$src/委託契約.csv" "$src/返却・廃棄確認.csv" "$src/backup-job-report.csv" \
  "$src/復旧試験.csv" "$src/入退室記録.csv" "$src/通知.csv"

# Logs: events forwarded to the collector (Event Viewer XML), one HMI's
# Security log saved as CSV on its Japanese console, a Linux server's
# /var/log/secure (its syslog times carry no year: the import says which
# it assumed).
"$m" evidence import windows-xml --into "$out" "$src/転送イベント_Security.xml"
"$m" evidence import windows-csv --into "$out" --system HGS-HMI-01 "$src/HGS-HMI-01_Security.csv"
"$m" evidence import sshd --into "$out" "$src/hq-bill-01_secure"

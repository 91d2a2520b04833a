#!/usr/bin/env bash
# A standalone Spark cluster on 127.0.0.1 from the pyspark wheel (which has no
# start-master.sh): `spark/cluster.sh start DIR WORKERS [CORES]` starts a master and
# WORKERS workers of CORES cores each, waits until all registered (at most 60 s),
# and prints the master URL; `spark/cluster.sh stop DIR` stops them all.
# DIR keeps the pids, logs and work directories. Needs PYSPARK_PYTHON set to the
# Python that has pyspark and dateline.
set -euo pipefail
command=${1:?usage: cluster.sh start DIR WORKERS [CORES] | stop DIR}
dir=${2:?usage: cluster.sh start DIR WORKERS [CORES] | stop DIR}
export SPARK_LOCAL_IP=127.0.0.1

case $command in
start)
  python=${PYSPARK_PYTHON:?set PYSPARK_PYTHON to the Python with pyspark and dateline}
  SPARK_HOME=$("$python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
  export SPARK_HOME
  workers=${3:?how many workers}
  cores=${4:-1}
  mkdir -p "$dir"
  port=$((17077 + RANDOM % 1000))
  url="spark://127.0.0.1:$port"
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port 0 >"$dir/master.log" 2>&1 &
  echo $! >"$dir/pids"
  for i in $(seq "$workers"); do
    SPARK_WORKER_DIR="$dir/work$i" "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores "$cores" --memory 3g --webui-port 0 "$url" >"$dir/worker$i.log" 2>&1 &
    echo $! >>"$dir/pids"
  done
  for _ in $(seq 120); do
    registered=$(grep -c "Registering worker" "$dir/master.log" 2>/dev/null || true)
    if [ "${registered:-0}" -ge "$workers" ]; then
      echo "$url"
      exit 0
    fi
    sleep 0.5
  done
  echo "cluster.sh: $workers worker(s) did not register within 60 s; see $dir/*.log" >&2
  "$0" stop "$dir"
  exit 1
  ;;
stop)
  if [ -f "$dir/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$dir/pids"
    for _ in $(seq 40); do
      alive=0
      while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done <"$dir/pids"
      [ $alive = 0 ] && break
      sleep 0.25
    done
    while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$dir/pids"
    rm -f "$dir/pids"
  fi
  ;;
*)
  echo "usage: cluster.sh start DIR WORKERS [CORES] | stop DIR" >&2
  exit 2
  ;;
esac

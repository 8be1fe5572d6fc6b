# make lab, host bob: its eth24 on the LAN, then the commands of the lab's
# story (told by alice) on port 7000 and the streams of `xl migrate` on 7001,
# until alice says the story is over.
. /xnm/lib.sh

ip addr add 10.1.1.2/24 dev eth24
ip link set eth24 up
probe serve 7000 &
probe stream-serve 7001 &
say "# bob: eth24 10.1.1.2/24, serving the lab's commands"
until [ -e /tmp/lab-over ]; do sleep 1; done
say "# bob: the story is over"

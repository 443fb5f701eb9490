<?php
// A JSON push receiver for PHP: `php -S 127.0.0.1:8099 receiver.php`.
// PUSH_SECRET is the Secret RegisterListener returned; PUSH_LOG, where events are noted.
$body = file_get_contents('php://input');
$expected = 'sha256=' . hash_hmac('sha256', $body, getenv('PUSH_SECRET'));
$given = $_SERVER['HTTP_X_HELPDESK_SIGNATURE'] ?? '';
if (!hash_equals($expected, $given)) {
    http_response_code(401);  // not signed with our secret: refused, never retried
    exit;
}
$event = json_decode($body, true);
// Deduplicate on EventId (deliveries are at least once); order by Watermark.
file_put_contents(getenv('PUSH_LOG'), sprintf("%s %d %d %s\n", $event['EventType'],
    $event['CallId'], $event['Watermark'], $event['Call']['Status']['Code']), FILE_APPEND);
http_response_code(204);
